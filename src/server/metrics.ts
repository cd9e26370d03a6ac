/**
 * Prometheus text exposition (format 0.0.4), by hand: request counts by route and status, a latency
 * histogram per route, the queue depth and running jobs, and megapixels processed.
 */

/** Upper bounds of the latency buckets, in seconds. */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  megapixels = 0;
  images = 0;
  rejectedBusy = 0;
  timeouts = 0;

  observe(route: string, status: number, seconds: number): void {
    const key = `${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(route);
    if (!h) {
      h = { counts: new Array(LATENCY_BUCKETS.length).fill(0), sum: 0, count: 0 };
      this.latency.set(route, h);
    }
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]) h.counts[i]++;
    h.sum += seconds;
    h.count++;
  }

  processed(width: number, height: number): void {
    this.images++;
    this.megapixels += (width * height) / 1e6;
  }

  render(gauges: { queued: number; running: number; concurrency: number; queueCapacity: number }): string {
    const lines: string[] = [];
    lines.push('# HELP cutout_http_requests_total HTTP requests by route and status.');
    lines.push('# TYPE cutout_http_requests_total counter');
    for (const [key, n] of this.requests) {
      const [route, status] = key.split('\u0000');
      lines.push(`cutout_http_requests_total{route="${label(route)}",status="${status}"} ${n}`);
    }
    lines.push('# HELP cutout_http_request_duration_seconds Time from request to response.');
    lines.push('# TYPE cutout_http_request_duration_seconds histogram');
    for (const [route, h] of this.latency) {
      const r = label(route);
      LATENCY_BUCKETS.forEach((le, i) => {
        lines.push(`cutout_http_request_duration_seconds_bucket{route="${r}",le="${le}"} ${h.counts[i]}`);
      });
      lines.push(`cutout_http_request_duration_seconds_bucket{route="${r}",le="+Inf"} ${h.count}`);
      lines.push(`cutout_http_request_duration_seconds_sum{route="${r}"} ${h.sum}`);
      lines.push(`cutout_http_request_duration_seconds_count{route="${r}"} ${h.count}`);
    }
    const gauge = (name: string, help: string, value: number, type = 'gauge') => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    gauge('cutout_queue_depth', 'Requests waiting for a worker.', gauges.queued);
    gauge('cutout_queue_capacity', 'Requests allowed to wait.', gauges.queueCapacity);
    gauge('cutout_jobs_running', 'Images being processed now.', gauges.running);
    gauge('cutout_workers', 'Worker threads (the concurrency limit).', gauges.concurrency);
    gauge('cutout_images_processed_total', 'Images cut out.', this.images, 'counter');
    gauge('cutout_megapixels_processed_total', 'Input megapixels cut out.', this.megapixels, 'counter');
    gauge(
      'cutout_rejected_busy_total',
      'Requests refused with 503 because the queue was full.',
      this.rejectedBusy,
      'counter',
    );
    gauge('cutout_timeouts_total', 'Requests that ran out of time.', this.timeouts, 'counter');
    const memory = process.memoryUsage();
    gauge('process_resident_memory_bytes', 'Resident set size.', memory.rss);
    gauge('nodejs_heap_used_bytes', 'V8 heap in use.', memory.heapUsed);
    return `${lines.join('\n')}\n`;
  }
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
