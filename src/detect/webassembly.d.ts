// The part of the WebAssembly JavaScript API that keyword-scan.ts uses: Node has it as a global,
// but TypeScript declares it only in the DOM and web-worker libraries, which this project leaves
// out.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Global {
    value: unknown;
  }
}
