/** The part of pngjs (a dependency of qrcode, with no bundled types) the QR code test reads PNGs with. */
declare module 'pngjs' {
  export const PNG: {
    sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } };
  };
}
