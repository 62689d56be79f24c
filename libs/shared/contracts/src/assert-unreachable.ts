/** Makes a switch exhaustive at compile time: adding an enum member without handling it is a type error. */
export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled value: ${String(value)}`);
}
