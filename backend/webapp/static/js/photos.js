// Photos are made smaller on the phone before they are sent (a canvas, JPEG): an upload of a few
// hundred kilobytes instead of several megabytes, and no camera metadata (the canvas drops EXIF).
export const MAX_PHOTOS = 3;
const MAX_EDGE = 1600;
const QUALITY = 0.85;

async function bitmapOf(file) {
  if ('createImageBitmap' in window) {
    try { return await createImageBitmap(file, { imageOrientation: 'from-image' }); } catch (_e) { /* below */ }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function shrink(file) {
  const image = await bitmapOf(file);
  const width = image.width, height = image.height;
  const scale = Math.min(1, MAX_EDGE / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';  // a transparent PNG becomes a white-backed JPEG
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  if (image.close) image.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  if (!blob) throw new Error('not an image');
  return blob;
}
