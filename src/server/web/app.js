// The cutout page: upload → /v1/remove, show the cutout over a checkerboard with a before/after slider, a
// background colour, a brush whose strokes re-matte only the touched region (/v1/refine-region), download.
// Plain browser JavaScript: no bundler, no CDN.

const $ = (id) => document.getElementById(id);
const view = $('view');
const state = { engine: '', model: '', refines: 0, busy: false, width: 0, height: 0 };
window.cutoutState = state;

// Full-resolution layers; the view canvas is drawn from them.
const photo = document.createElement('canvas');
const cutout = document.createElement('canvas');
const scribbles = document.createElement('canvas');

function setStatus(text, status) {
  $('status').textContent = text;
  if (status) document.body.dataset.status = status;
}

function render() {
  const ctx = view.getContext('2d');
  ctx.clearRect(0, 0, view.width, view.height);
  if ($('bg-on').checked) {
    ctx.fillStyle = $('bg').value;
    ctx.fillRect(0, 0, view.width, view.height);
  }
  ctx.drawImage(cutout, 0, 0);
  const split = (Number($('split').value) / 100) * view.width;
  if (split > 0) ctx.drawImage(photo, 0, 0, split, view.height, 0, 0, split, view.height);
  ctx.globalAlpha = 0.5;
  ctx.drawImage(scribbles, 0, 0);
  ctx.globalAlpha = 1;
}

async function errorText(response) {
  try {
    const body = await response.json();
    return body.error?.message ?? JSON.stringify(body);
  } catch {
    return `HTTP ${response.status}`;
  }
}

async function load(file) {
  if (!file) return;
  state.busy = true;
  setStatus(`Cutting out ${file.name}…`, 'busy');
  const bitmap = await createImageBitmap(file);
  const response = await fetch('/v1/remove', {
    method: 'POST',
    body: file,
    headers: { 'content-type': file.type || 'application/octet-stream' },
  });
  state.busy = false;
  if (!response.ok) {
    setStatus(`Failed: ${await errorText(response)}`, 'error');
    return;
  }
  state.engine = response.headers.get('x-cutout-engine') ?? '';
  state.model = response.headers.get('x-cutout-model') ?? '';
  const result = await createImageBitmap(await response.blob());
  state.width = result.width;
  state.height = result.height;
  for (const canvas of [photo, cutout, scribbles, view]) {
    canvas.width = result.width;
    canvas.height = result.height;
  }
  photo.getContext('2d').drawImage(bitmap, 0, 0, result.width, result.height);
  cutout.getContext('2d').drawImage(result, 0, 0);
  $('stage').hidden = false;
  $('controls').hidden = false;
  render();
  setStatus(`Done — engine: ${state.engine} (${state.model}). Brush to fix an edge.`, 'ready');
}

// Brush: strokes go on the scribble layer; on release only their box (plus a margin) is re-matted.
let stroke = null;
const MARK = { foreground: '#ffffff', background: '#000000', erase: '#808080' };

function imagePoint(event) {
  const rect = view.getBoundingClientRect();
  return {
    x: ((event.clientX - rect.left) / rect.width) * view.width,
    y: ((event.clientY - rect.top) / rect.height) * view.height,
  };
}

function paint(from, to) {
  const ctx = scribbles.getContext('2d');
  ctx.strokeStyle = MARK[stroke.mode];
  ctx.lineWidth = stroke.size;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
  const r = stroke.size / 2 + 1;
  stroke.x0 = Math.min(stroke.x0, to.x - r);
  stroke.y0 = Math.min(stroke.y0, to.y - r);
  stroke.x1 = Math.max(stroke.x1, to.x + r);
  stroke.y1 = Math.max(stroke.y1, to.y + r);
  render();
}

view.addEventListener('pointerdown', (event) => {
  if (state.busy || !state.width) return;
  view.setPointerCapture(event.pointerId);
  const p = imagePoint(event);
  const mode = document.querySelector('input[name=mode]:checked').value;
  stroke = { mode, size: Number($('size').value), last: p, x0: p.x, y0: p.y, x1: p.x, y1: p.y };
  paint(p, p);
});
view.addEventListener('pointermove', (event) => {
  if (!stroke) return;
  const p = imagePoint(event);
  paint(stroke.last, p);
  stroke.last = p;
});
view.addEventListener('pointerup', () => {
  if (!stroke) return;
  const s = stroke;
  stroke = null;
  refine(s).catch((error) => setStatus(`Brush failed: ${error.message}`, 'error'));
});

function cropCanvas(source, x, y, w, h) {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  c.getContext('2d').drawImage(source, x, y, w, h, 0, 0, w, h);
  return c;
}

const toBlob = (canvas) => new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));

async function refine(s) {
  const margin = Math.round(s.size + 16);
  const x = Math.max(0, Math.floor(s.x0 - margin));
  const y = Math.max(0, Math.floor(s.y0 - margin));
  const w = Math.min(state.width, Math.ceil(s.x1 + margin)) - x;
  const h = Math.min(state.height, Math.ceil(s.y1 + margin)) - y;
  if (w <= 0 || h <= 0) return;
  state.busy = true;
  setStatus('Re-matting the touched region…', 'busy');
  // The current α of the region as a grey image.
  const alphaCanvas = cropCanvas(cutout, x, y, w, h);
  const actx = alphaCanvas.getContext('2d');
  const pixels = actx.getImageData(0, 0, w, h);
  for (let i = 0; i < pixels.data.length; i += 4) {
    const a = pixels.data[i + 3];
    pixels.data[i] = a;
    pixels.data[i + 1] = a;
    pixels.data[i + 2] = a;
    pixels.data[i + 3] = 255;
  }
  actx.putImageData(pixels, 0, 0);
  const form = new FormData();
  form.append('image', await toBlob(cropCanvas(photo, x, y, w, h)), 'image.png');
  form.append('alpha', await toBlob(alphaCanvas), 'alpha.png');
  form.append('scribbles', await toBlob(cropCanvas(scribbles, x, y, w, h)), 'scribbles.png');
  const response = await fetch('/v1/refine-region', { method: 'POST', body: form });
  state.busy = false;
  if (!response.ok) {
    setStatus(`Brush failed: ${await errorText(response)}`, 'error');
    return;
  }
  const region = await createImageBitmap(await response.blob(), { premultiplyAlpha: 'none' });
  const ctx = cutout.getContext('2d');
  ctx.clearRect(x, y, w, h);
  ctx.drawImage(region, x, y);
  scribbles.getContext('2d').clearRect(x, y, w, h);
  state.refines++;
  render();
  setStatus(`Region ${w}×${h} re-matted — engine: ${state.engine} (${state.model}).`, 'ready');
}

$('download').addEventListener('click', async () => {
  const out = document.createElement('canvas');
  out.width = state.width;
  out.height = state.height;
  const ctx = out.getContext('2d');
  if ($('bg-on').checked) {
    ctx.fillStyle = $('bg').value;
    ctx.fillRect(0, 0, out.width, out.height);
  }
  ctx.drawImage(cutout, 0, 0);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await toBlob(out));
  link.download = 'cutout.png';
  document.body.append(link);
  link.click();
  link.remove();
});

for (const id of ['split', 'bg', 'bg-on']) $(id).addEventListener('input', render);
$('file').addEventListener('change', () => load($('file').files[0]));
const drop = $('drop');
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  load(event.dataTransfer.files[0]);
});
