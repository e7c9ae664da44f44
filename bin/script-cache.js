// Node before 22.1 keeps no compiled code between runs (bin/opsledger.js turns on the compile cache
// where there is one), so every validate compiled its one-file command, about 35 ms of a warm run
// on the example corpus. A classic script run through vm.Script can keep what V8 compiled: the
// build writes `cmd-<name>.script.js` beside `cmd-<name>.js` (scripts/bundle-cli.mjs), the same
// code as a function of require and the module file's URL, and this module runs it with the
// code V8 cached on an earlier run, kept beside it in `cmd-<name>.script.code`.
//
// The cached code is executable: V8 takes it on trust, checking only its own version, its flags
// and the source's length, not the source, and not whether the bytes are whole. So the file is
// used only when all of these hold, and otherwise the script is compiled from its source and the
// file written again (by rename, never in place):
// - it is a regular file, opened without following a link and without blocking (a FIFO, a device
//   or a link to one is passed over), owned by whoever owns the script or by this user, writable
//   by nobody else, and of a size it can be;
// - it begins with this format's mark and the digest of the script's own bytes, Node's version,
//   V8's, the platform, the architecture and Node's options (another build's code, or another
//   Node's, is not this script's);
// - the digest of the code it holds, written after the code, matches (a truncated or damaged file).
// Whoever may write the folder may write the script itself, so the folder's rules are the
// script's: nothing here is trusted that the script's own folder would not be.
import { isAscii } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const MARK = Buffer.from('opsledger code cache 1\n', 'latin1');
const DIGEST = 32;
const HEADER = MARK.length + DIGEST + 4 + DIGEST;
/** V8's code for a 1 MB script is a few MB; a file far larger than any it writes is not one of ours. */
const MAX_BYTES = 64 * 1024 * 1024;

/** The file the compiled code of `scriptFile` is kept in. */
export const codeFileOf = (scriptFile) => scriptFile.replace(/\.js$/, '.code');

/** What the code must have been compiled from and by: the script's bytes and this Node. */
function keyOf(source) {
  return createHash('sha256')
    .update(source)
    .update(`\0${process.version}\0${process.versions.v8}\0${process.platform}\0${process.arch}\0${process.execArgv.join('\0')}`)
    .digest();
}

/**
 * The cached code in `codeFile` for a script whose key is `key`, or undefined when the file is not
 * one this process may trust (see the top of this file). Never blocks, never throws.
 */
export function readCode(codeFile, key, owner) {
  let fd;
  try {
    fd = openSync(codeFile, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size <= HEADER || st.size > MAX_BYTES) return undefined;
    if (st.uid !== owner && st.uid !== process.getuid?.()) return undefined;
    if (st.mode & 0o002) return undefined;
    const bytes = Buffer.allocUnsafe(st.size);
    let at = 0;
    while (at < bytes.length) {
      const n = readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) return undefined;
      at += n;
    }
    if (!bytes.subarray(0, MARK.length).equals(MARK)) return undefined;
    if (!bytes.subarray(MARK.length, MARK.length + DIGEST).equals(key)) return undefined;
    const length = bytes.readUInt32LE(MARK.length + DIGEST);
    if (length !== bytes.length - HEADER) return undefined;
    const code = bytes.subarray(HEADER);
    if (!createHash('sha256').update(code).digest().equals(bytes.subarray(MARK.length + DIGEST + 4, HEADER))) return undefined;
    return code;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `code` for `key` to `codeFile` by rename; a folder that refuses it is left as it is. */
export function writeCode(codeFile, key, code) {
  const header = Buffer.alloc(HEADER);
  MARK.copy(header, 0);
  key.copy(header, MARK.length);
  header.writeUInt32LE(code.length, MARK.length + DIGEST);
  createHash('sha256').update(code).digest().copy(header, MARK.length + DIGEST + 4);
  const temp = `${codeFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(temp, Buffer.concat([header, code]), { flag: 'wx', mode: 0o644 });
    renameSync(temp, codeFile);
    return true;
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // never made
    }
    return false;
  }
}

/**
 * Runs the classic script `scriptFile` (made beside `moduleFile` by the build) as `moduleFile`
 * would run, with the code an earlier run cached when it can be trusted. Returns the script's
 * exports and `keep()`, to be called once the command is done: it writes the code V8 compiled by
 * then (the functions the run called, not only the top level) when there was none to use.
 * Undefined when there is no such script: the caller imports `moduleFile` instead.
 */
export function runScript(scriptFile, moduleFile) {
  // The build writes it in ASCII, which latin1 turns into text without decoding UTF-8.
  let bytes;
  let owner;
  try {
    bytes = readFileSync(scriptFile);
    owner = statSync(scriptFile).uid;
  } catch {
    return undefined;
  }
  const key = keyOf(bytes);
  const codeFile = codeFileOf(scriptFile);
  const cachedData = readCode(codeFile, key, owner);
  const script = new vm.Script(bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8'), { filename: scriptFile, cachedData });
  const url = pathToFileURL(moduleFile).href;
  const module = { exports: {} };
  // The script's import() of the split bundle's chunks: relative to the module, which is beside them.
  script.runInThisContext()(module.exports, createRequire(url), module, url, (specifier) => import(new URL(specifier, url).href));
  const used = cachedData !== undefined && !script.cachedDataRejected;
  return {
    exports: module.exports,
    used,
    keep: () => (used ? false : writeCode(codeFile, key, script.createCachedData())),
  };
}
