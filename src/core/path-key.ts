/**
 * The key two names of one file compare by. Git and the file system may spell a non-ASCII name
 * in different Unicode forms (macOS git with core.precomposeUnicode reports NFC, a file created
 * on Linux may be NFD): the same letters must name the same file, so names compare in NFC.
 */
export function pathKey(path: string): string {
  return path.normalize('NFC');
}
