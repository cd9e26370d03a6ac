/**
 * Typed arrays in shared memory, for worker pools that let their workers read a whole image instead of
 * receiving copies of it: an array already in a SharedArrayBuffer is used as it is; any other is copied
 * into one on first use, and the copy is reused while the original array lives (tiles of one image, or the
 * same image matted again, never change their inputs while they run).
 */
export class SharedPlanes {
  private copies = new WeakMap<Float32Array | Uint8Array, Float32Array | Uint8Array>();

  share<T extends Float32Array | Uint8Array>(data: T): T {
    if (data.buffer instanceof SharedArrayBuffer) return data;
    let copy = this.copies.get(data);
    if (!copy) {
      const buffer = new SharedArrayBuffer(data.byteLength);
      copy = data instanceof Float32Array ? new Float32Array(buffer) : new Uint8Array(buffer);
      copy.set(data);
      this.copies.set(data, copy);
    }
    return copy as T;
  }
}
