/** Types served as themselves (inline); anything else is a download of application/octet-stream. */
const INLINE = new Set([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'image/avif',
  'video/mp4',
  'video/webm',
  'audio/mpeg',
  'audio/wav',
  'audio/ogg',
  'audio/webm',
  'text/plain',
  'application/json',
]);

const BY_EXT: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  txt: 'text/plain',
  json: 'application/json',
};

export function mimeFromName(name: string): string | undefined {
  const ext = name.split('.').pop()?.toLowerCase() ?? '';
  return BY_EXT[ext];
}

/** The content type to serve, and whether it may be shown inline. */
export function servedType(mime: string | undefined): { type: string; inline: boolean } {
  const m = (mime ?? '').toLowerCase().split(';')[0]!.trim();
  if (!INLINE.has(m)) return { type: 'application/octet-stream', inline: false };
  return {
    type: m.startsWith('text/') || m === 'application/json' ? `${m}; charset=utf-8` : m,
    inline: true,
  };
}
