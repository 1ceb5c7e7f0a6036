import { describe, expect, it } from 'vitest';
import { decodePreviewFrame, encodePreviewFrame } from '../src';

describe('binary preview frame (docs/protocol.md §4)', () => {
  it('lays out the header exactly as documented, little-endian', () => {
    const data = Uint8Array.from([9, 8, 7]);
    const buf = encodePreviewFrame({
      jobId: 'job-é',
      nodeId: 'n1',
      mime: 'image/webp',
      width: 640,
      height: 360,
      frames: 17,
      step: 3,
      total: 20,
      data,
    });
    const v = new DataView(buf.buffer);
    expect(Buffer.from(buf.subarray(0, 4)).toString('latin1')).toBe('RGPV');
    expect(v.getUint8(4)).toBe(1); // version
    expect(v.getUint8(5)).toBe(1); // kind: node preview
    expect(v.getUint8(6)).toBe(1); // webp
    expect(v.getUint8(7)).toBe(0b11); // step and total present
    const jobBytes = Buffer.byteLength('job-é');
    expect(v.getUint16(8, true)).toBe(28 + jobBytes + 2);
    expect(v.getUint16(10, true)).toBe(17);
    expect(v.getUint16(12, true)).toBe(640);
    expect(v.getUint16(14, true)).toBe(360);
    expect(v.getUint32(16, true)).toBe(3);
    expect(v.getUint32(20, true)).toBe(20);
    expect(v.getUint16(24, true)).toBe(jobBytes);
    expect(v.getUint16(26, true)).toBe(2);
    expect(Buffer.from(buf.subarray(28, 28 + jobBytes)).toString('utf8')).toBe('job-é');
    expect(Buffer.from(buf.subarray(28 + jobBytes, 30 + jobBytes)).toString('utf8')).toBe('n1');
    expect([...buf.subarray(30 + jobBytes)]).toEqual([9, 8, 7]);
  });

  it('round-trips, marks absent step/total, and rejects what is not a frame', () => {
    const frame = {
      jobId: 'j',
      nodeId: 'n',
      mime: 'image/gif' as const,
      width: 1,
      height: 2,
      frames: 1,
      data: new Uint8Array(5),
    };
    const decoded = decodePreviewFrame(encodePreviewFrame(frame));
    expect(decoded).toEqual(frame);
    expect(decoded?.step).toBeUndefined();
    const good = encodePreviewFrame({ ...frame, step: 0 });
    expect(decodePreviewFrame(good)?.step).toBe(0);
    expect(decodePreviewFrame(new Uint8Array(10))).toBeUndefined();
    const wrongVersion = good.slice();
    wrongVersion[4] = 2;
    expect(decodePreviewFrame(wrongVersion)).toBeUndefined();
    const badLength = good.slice();
    new DataView(badLength.buffer).setUint16(8, 9999, true);
    expect(decodePreviewFrame(badLength)).toBeUndefined();
    expect(() => encodePreviewFrame({ ...frame, mime: 'image/bmp' as never })).toThrow();
  });
});
