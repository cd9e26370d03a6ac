/**
 * Maximum flow / minimum s–t cut by the Boykov–Kolmogorov algorithm ("An experimental comparison of
 * min-cut/max-flow algorithms for energy minimization in vision", PAMI 2004), after Kolmogorov's maxflow
 * 3.x: two search trees grow from the source and the sink until they touch, the path found is augmented,
 * and the nodes cut off from their tree by saturated arcs (orphans) are re-attached or freed. The trees
 * are kept between augmentations, which is what makes it fast on pixel grids with short paths.
 *
 * Storage is typed arrays only. Arcs come in pairs (2k, 2k + 1), each the other's reverse ("sister"), so
 * the sister of arc a is a ^ 1. A node's terminal capacities are folded into one signed residual:
 * positive = remaining capacity from the source, negative = remaining capacity to the sink; the
 * common part of both is flow that needs no path (added to the flow at once).
 *
 * Usage: add terminal weights and edges, call maxFlow() once, then read inSourceSet(node) / sourceSet();
 * reset() to build another graph over the same nodes in the same memory.
 */

const NONE = -1;
/** Parent "arc" of a node attached directly to its terminal. */
const TERMINAL = -2;
/** Parent "arc" of a node whose path to its terminal was just cut. */
const ORPHAN = -3;
const FAR = 0x3fffffff;

export class MaxFlowGraph {
  readonly nodeCount: number;
  private edgeCount = 0;
  private flow = 0;
  private solved = false;

  // Per node.
  private readonly firstArc: Int32Array;
  private readonly terminalCap: Float64Array;
  private readonly parent: Int32Array;
  /** Next node in the active queue; NONE when inactive, the node itself when last. */
  private readonly nextActive: Int32Array;
  private readonly inSinkTree: Uint8Array;
  /** Time stamp and distance to the terminal, the "distance heuristic" of the paper. */
  private readonly stamp: Int32Array;
  private readonly dist: Int32Array;

  // Per arc.
  private head: Int32Array;
  private nextArc: Int32Array;
  private residual: Float64Array;

  /** `edgeHint`: expected number of addEdge calls (the arrays grow if it is exceeded). */
  constructor(nodeCount: number, edgeHint = 0) {
    if (!Number.isInteger(nodeCount) || nodeCount < 0) {
      throw new RangeError(`MaxFlowGraph: node count must be an integer ≥ 0, got ${nodeCount}`);
    }
    this.nodeCount = nodeCount;
    this.firstArc = new Int32Array(nodeCount).fill(NONE);
    this.terminalCap = new Float64Array(nodeCount);
    this.parent = new Int32Array(nodeCount);
    this.nextActive = new Int32Array(nodeCount);
    this.inSinkTree = new Uint8Array(nodeCount);
    this.stamp = new Int32Array(nodeCount);
    this.dist = new Int32Array(nodeCount);
    const arcs = Math.max(2, 2 * Math.ceil(edgeHint));
    this.head = new Int32Array(arcs);
    this.nextArc = new Int32Array(arcs);
    this.residual = new Float64Array(arcs);
  }

  /** Empties the graph (same node count) so it can be built and solved again without new allocations. */
  reset(): void {
    this.edgeCount = 0;
    this.flow = 0;
    this.solved = false;
    this.firstArc.fill(NONE);
    this.terminalCap.fill(0);
  }

  /**
   * Adds capacities source → node and node → sink (both ≥ 0; calls accumulate). Only their difference
   * needs a path; the common part is saturated at once and counted in the flow.
   */
  addTerminalWeights(node: number, fromSource: number, toSink: number): void {
    this.assertEditable();
    this.checkNode(node);
    if (!(fromSource >= 0) || !(toSink >= 0)) {
      throw new RangeError(`MaxFlowGraph: terminal capacities must be ≥ 0, got ${fromSource}, ${toSink}`);
    }
    let source = fromSource;
    let sink = toSink;
    const current = this.terminalCap[node];
    if (current > 0) source += current;
    else sink -= current;
    this.flow += Math.min(source, sink);
    this.terminalCap[node] = source - sink;
  }

  /** Adds an edge between two nodes with capacity `forward` from a to b and `backward` from b to a. */
  addEdge(a: number, b: number, forward: number, backward: number): void {
    this.assertEditable();
    this.checkNode(a);
    this.checkNode(b);
    if (a === b) throw new RangeError(`MaxFlowGraph: an edge needs two different nodes, got ${a} twice`);
    if (!(forward >= 0) || !(backward >= 0)) {
      throw new RangeError(`MaxFlowGraph: edge capacities must be ≥ 0, got ${forward}, ${backward}`);
    }
    const arc = 2 * this.edgeCount;
    if (arc + 2 > this.head.length) this.grow();
    this.edgeCount++;
    this.head[arc] = b;
    this.residual[arc] = forward;
    this.nextArc[arc] = this.firstArc[a];
    this.firstArc[a] = arc;
    this.head[arc + 1] = a;
    this.residual[arc + 1] = backward;
    this.nextArc[arc + 1] = this.firstArc[b];
    this.firstArc[b] = arc + 1;
  }

  /**
   * Adds the edges of a width × height pixel grid (nodes numbered row by row) in one pass: per pixel, the
   * capacity to its right, lower, lower-right and lower-left neighbour, the same both ways; 0 adds no edge.
   * Equivalent to addEdge for each, without the per-call checks (a 0.3 MP grid has 1.2 M edges).
   */
  addGridEdges(
    width: number,
    height: number,
    right: Float32Array,
    down: Float32Array,
    downRight: Float32Array,
    downLeft: Float32Array,
  ): void {
    this.assertEditable();
    const n = width * height;
    if (!Number.isInteger(width) || !Number.isInteger(height) || n !== this.nodeCount) {
      throw new RangeError(
        `MaxFlowGraph: a ${width}×${height} grid needs ${n} nodes, the graph has ${this.nodeCount}`,
      );
    }
    for (const [name, w] of [
      ['right', right],
      ['down', down],
      ['downRight', downRight],
      ['downLeft', downLeft],
    ] as const) {
      if (w.length !== n)
        throw new RangeError(`MaxFlowGraph: ${name} has ${w.length} weights for ${n} pixels`);
    }
    let edges = 0;
    for (let i = 0; i < n; i++)
      edges += +(right[i] > 0) + +(down[i] > 0) + +(downRight[i] > 0) + +(downLeft[i] > 0);
    while (2 * (this.edgeCount + edges) > this.head.length) this.grow();
    const { head, nextArc, residual, firstArc } = this;
    let arc = 2 * this.edgeCount;
    const link = (a: number, b: number, capacity: number) => {
      if (!(capacity >= 0))
        throw new RangeError(`MaxFlowGraph: edge capacities must be ≥ 0, got ${capacity}`);
      head[arc] = b;
      residual[arc] = capacity;
      nextArc[arc] = firstArc[a];
      firstArc[a] = arc;
      head[arc + 1] = a;
      residual[arc + 1] = capacity;
      nextArc[arc + 1] = firstArc[b];
      firstArc[b] = arc + 1;
      arc += 2;
    };
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if (x + 1 < width && right[i] > 0) link(i, i + 1, right[i]);
        if (y + 1 < height) {
          if (down[i] > 0) link(i, i + width, down[i]);
          if (x + 1 < width && downRight[i] > 0) link(i, i + width + 1, downRight[i]);
          if (x > 0 && downLeft[i] > 0) link(i, i + width - 1, downLeft[i]);
        }
      }
    }
    this.edgeCount = arc / 2;
  }

  /** Computes the maximum flow (= the minimum cut's capacity). Call once, after building the graph. */
  maxFlow(): number {
    this.assertEditable();
    this.solved = true;
    const { firstArc, terminalCap, parent, nextActive, inSinkTree, stamp, dist, head, nextArc, residual } =
      this;
    const n = this.nodeCount;

    // The active queue: a linked list through nextActive.
    let queueFirst = NONE;
    let queueLast = NONE;
    const setActive = (i: number): void => {
      if (nextActive[i] !== NONE) return;
      if (queueLast !== NONE) nextActive[queueLast] = i;
      else queueFirst = i;
      queueLast = i;
      nextActive[i] = i;
    };
    // Orphans: a FIFO ring; a node is an orphan at most once at a time (its parent is ORPHAN meanwhile).
    const orphans = new Int32Array(n + 1);
    let orphanHead = 0;
    let orphanTail = 0;
    const addOrphan = (i: number): void => {
      parent[i] = ORPHAN;
      orphans[orphanTail] = i;
      orphanTail = orphanTail === n ? 0 : orphanTail + 1;
    };

    let time = 0;
    nextActive.fill(NONE);
    stamp.fill(0);
    for (let i = 0; i < n; i++) {
      const t = terminalCap[i];
      if (t !== 0) {
        inSinkTree[i] = t < 0 ? 1 : 0;
        parent[i] = TERMINAL;
        dist[i] = 1;
        setActive(i);
      } else {
        parent[i] = NONE;
      }
    }

    let current = NONE;
    for (;;) {
      let i = current;
      if (i !== NONE) {
        nextActive[i] = NONE;
        if (parent[i] === NONE) i = NONE;
      }
      if (i === NONE) {
        // Next active node that still belongs to a tree.
        for (;;) {
          i = queueFirst;
          if (i === NONE) break;
          if (nextActive[i] === i) queueFirst = queueLast = NONE;
          else queueFirst = nextActive[i];
          nextActive[i] = NONE;
          if (parent[i] !== NONE) break;
        }
        if (i === NONE) break;
      }

      // Growth: the arc that joins the trees, oriented from the source side to the sink side.
      let bridge = NONE;
      if (inSinkTree[i] === 0) {
        for (let a = firstArc[i]; a !== NONE; a = nextArc[a]) {
          if (residual[a] === 0) continue;
          const j = head[a];
          if (parent[j] === NONE) {
            inSinkTree[j] = 0;
            parent[j] = a ^ 1;
            stamp[j] = stamp[i];
            dist[j] = dist[i] + 1;
            setActive(j);
          } else if (inSinkTree[j] === 1) {
            bridge = a;
            break;
          } else if (stamp[j] <= stamp[i] && dist[j] > dist[i]) {
            // Shorten j's path to the source through i.
            parent[j] = a ^ 1;
            stamp[j] = stamp[i];
            dist[j] = dist[i] + 1;
          }
        }
      } else {
        for (let a = firstArc[i]; a !== NONE; a = nextArc[a]) {
          if (residual[a ^ 1] === 0) continue;
          const j = head[a];
          if (parent[j] === NONE) {
            inSinkTree[j] = 1;
            parent[j] = a ^ 1;
            stamp[j] = stamp[i];
            dist[j] = dist[i] + 1;
            setActive(j);
          } else if (inSinkTree[j] === 0) {
            bridge = a ^ 1;
            break;
          } else if (stamp[j] <= stamp[i] && dist[j] > dist[i]) {
            parent[j] = a ^ 1;
            stamp[j] = stamp[i];
            dist[j] = dist[i] + 1;
          }
        }
      }

      time++;
      if (bridge === NONE) {
        current = NONE;
        continue;
      }
      // Keep growing from i after this augmentation; the self-link marks it active so it is not queued.
      nextActive[i] = i;
      current = i;

      // Augmentation. Source tree: flow runs parent → node along the sister of the parent arc.
      let bottleneck = residual[bridge];
      let k = head[bridge ^ 1];
      for (let a = parent[k]; a !== TERMINAL; a = parent[k]) {
        if (residual[a ^ 1] < bottleneck) bottleneck = residual[a ^ 1];
        k = head[a];
      }
      if (terminalCap[k] < bottleneck) bottleneck = terminalCap[k];
      // Sink tree: flow runs node → parent along the parent arc.
      k = head[bridge];
      for (let a = parent[k]; a !== TERMINAL; a = parent[k]) {
        if (residual[a] < bottleneck) bottleneck = residual[a];
        k = head[a];
      }
      if (-terminalCap[k] < bottleneck) bottleneck = -terminalCap[k];

      residual[bridge ^ 1] += bottleneck;
      residual[bridge] -= bottleneck;
      k = head[bridge ^ 1];
      for (let a = parent[k]; a !== TERMINAL; a = parent[k]) {
        residual[a] += bottleneck;
        residual[a ^ 1] -= bottleneck;
        const up = head[a];
        if (residual[a ^ 1] === 0) addOrphan(k);
        k = up;
      }
      terminalCap[k] -= bottleneck;
      if (terminalCap[k] === 0) addOrphan(k);
      k = head[bridge];
      for (let a = parent[k]; a !== TERMINAL; a = parent[k]) {
        residual[a ^ 1] += bottleneck;
        residual[a] -= bottleneck;
        const up = head[a];
        if (residual[a] === 0) addOrphan(k);
        k = up;
      }
      terminalCap[k] += bottleneck;
      if (terminalCap[k] === 0) addOrphan(k);
      this.flow += bottleneck;

      // Adoption: each orphan looks for a new parent in its own tree whose path reaches the terminal.
      while (orphanHead !== orphanTail) {
        const o = orphans[orphanHead];
        orphanHead = orphanHead === n ? 0 : orphanHead + 1;
        const sinkSide = inSinkTree[o] === 1;
        let bestArc = NONE;
        let bestDist = FAR;
        for (let a0 = firstArc[o]; a0 !== NONE; a0 = nextArc[a0]) {
          // The link must carry flow towards o's side: j → o for the source tree, o → j for the sink tree.
          if ((sinkSide ? residual[a0] : residual[a0 ^ 1]) === 0) continue;
          let j = head[a0];
          if (inSinkTree[j] !== (sinkSide ? 1 : 0) || parent[j] === NONE) continue;
          // Walk j's path towards the terminal; stamps cache the distances already found this round.
          let d = 0;
          for (;;) {
            if (stamp[j] === time) {
              d += dist[j];
              break;
            }
            const a = parent[j];
            d++;
            if (a === TERMINAL) {
              stamp[j] = time;
              dist[j] = 1;
              break;
            }
            if (a === ORPHAN) {
              d = FAR;
              break;
            }
            j = head[a];
          }
          if (d < FAR) {
            if (d < bestDist) {
              bestArc = a0;
              bestDist = d;
            }
            for (j = head[a0]; stamp[j] !== time; j = head[parent[j]]) {
              stamp[j] = time;
              dist[j] = d--;
            }
          }
        }
        parent[o] = bestArc;
        if (bestArc !== NONE) {
          stamp[o] = time;
          dist[o] = bestDist + 1;
          continue;
        }
        // No parent: o becomes free. Neighbours that could reach it become active; its children orphans.
        for (let a0 = firstArc[o]; a0 !== NONE; a0 = nextArc[a0]) {
          const j = head[a0];
          const a = parent[j];
          if (inSinkTree[j] !== (sinkSide ? 1 : 0) || a === NONE) continue;
          if ((sinkSide ? residual[a0] : residual[a0 ^ 1]) !== 0) setActive(j);
          if (a !== TERMINAL && a !== ORPHAN && head[a] === o) addOrphan(j);
        }
      }
    }
    return this.flow;
  }

  /** After maxFlow(): whether the node is on the source side of the minimum cut. */
  inSourceSet(node: number): boolean {
    if (!this.solved) throw new Error('MaxFlowGraph: call maxFlow() first');
    this.checkNode(node);
    // Source side = reachable from the source in the residual graph = the source tree.
    return this.parent[node] !== NONE && this.inSinkTree[node] === 0;
  }

  /** After maxFlow(): 1 for each node on the source side of the minimum cut, else 0. */
  sourceSet(out: Uint8Array = new Uint8Array(this.nodeCount)): Uint8Array {
    if (!this.solved) throw new Error('MaxFlowGraph: call maxFlow() first');
    const { parent, inSinkTree } = this;
    for (let i = 0; i < this.nodeCount; i++) out[i] = parent[i] !== NONE && inSinkTree[i] === 0 ? 1 : 0;
    return out;
  }

  private grow(): void {
    const size = this.head.length * 2;
    const head = new Int32Array(size);
    const nextArc = new Int32Array(size);
    const residual = new Float64Array(size);
    head.set(this.head);
    nextArc.set(this.nextArc);
    residual.set(this.residual);
    this.head = head;
    this.nextArc = nextArc;
    this.residual = residual;
  }

  private checkNode(node: number): void {
    if (!Number.isInteger(node) || node < 0 || node >= this.nodeCount) {
      throw new RangeError(`MaxFlowGraph: node ${node} out of range [0, ${this.nodeCount})`);
    }
  }

  private assertEditable(): void {
    if (this.solved) throw new Error('MaxFlowGraph: the graph was solved already; build a new one');
  }
}
