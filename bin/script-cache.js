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
//   V8's, the platform and the architecture (another build's code, or another Node's, is not this
//   script's; V8 itself refuses code compiled under other V8 flags, and Node's own options do not
//   change what V8 compiles);
// - the digest of the code it holds, written after the code, matches (a truncated or damaged file).
// Whoever may write the folder may write the script itself, so the folder's rules are the
// script's: nothing here is trusted that the script's own folder would not be.
import { isAscii } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fstatSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import nodeModule, { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const MARK = Buffer.from('opsledger code cache 1\n', 'latin1');
const DIGEST = 32;
// mark, key, code length, reach (see runScript), the code's digest
const HEADER = MARK.length + DIGEST + 4 + 4 + DIGEST;
const SUM = MARK.length + DIGEST + 8;
/** V8's code for a 1 MB script is a few MB; a file far larger than any it writes is not one of ours. */
const MAX_BYTES = 64 * 1024 * 1024;

/** The file the compiled code of `scriptFile` is kept in. */
export const codeFileOf = (scriptFile) => scriptFile.replace(/\.c?js$/, '.code');

/** What the code must have been compiled from and by: the script's bytes and this Node. */
function keyOf(source) {
  return createHash('sha256')
    .update(source)
    .update(`\0${process.version}\0${process.versions.v8}\0${process.platform}\0${process.arch}`)
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
    if (!createHash('sha256').update(code).digest().equals(bytes.subarray(SUM, HEADER))) return undefined;
    return { code, reach: bytes.readUInt32LE(MARK.length + DIGEST + 4) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `code` for `key` to `codeFile` by rename; a folder that refuses it is left as it is. */
export function writeCode(codeFile, key, code, reach = 0) {
  const header = Buffer.alloc(HEADER);
  MARK.copy(header, 0);
  key.copy(header, MARK.length);
  header.writeUInt32LE(code.length, MARK.length + DIGEST);
  header.writeUInt32LE(reach, MARK.length + DIGEST + 4);
  createHash('sha256').update(code).digest().copy(header, SUM);
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

function writable(dir) {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The script in `file` compiled, with the code kept beside it when it can be trusted; `wrap`
 * turns the file's text into the script's (a CommonJS module's wrapper). Undefined when the file
 * cannot be read.
 */
function compile(file, wrap = (text) => text) {
  let bytes;
  let owner;
  try {
    bytes = readFileSync(file);
    owner = statSync(file).uid;
  } catch {
    return undefined;
  }
  const key = keyOf(bytes);
  const codeFile = codeFileOf(file);
  const kept = readCode(codeFile, key, owner);
  // The build writes its scripts in ASCII, which latin1 turns into text without decoding UTF-8.
  const script = new vm.Script(wrap(bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8')), { filename: file, cachedData: kept?.code });
  const used = kept !== undefined && !script.cachedDataRejected;
  const reach = used ? kept.reach : -1;
  // V8 takes 10-20 ms to serialize the code: not done for a folder this user cannot write (an
  // installed package), where every run would throw it away.
  const keep = (now = 0) => now > reach && writable(dirname(codeFile)) && writeCode(codeFile, key, script.createCachedData(), now);
  return { script, used, keep };
}

/**
 * Runs the classic script `scriptFile` (made beside `moduleFile` by the build) as `moduleFile`
 * would run, with the code an earlier run cached when it can be trusted. Returns the script's
 * exports and `keep()`, to be called once the command is done: it writes the code V8 compiled by
 * then (the functions the run called, not only the top level) where there was none to use.
 * Undefined when there is no such script: the caller imports `moduleFile` instead.
 *
 * The CommonJS modules of the package's dist/ the script loads through the require it is given
 * for them (the build's precompiled schema validators, 790 KB, which an edited file's analysis
 * loads) are compiled the same way, their code kept beside them.
 */
export function runScript(scriptFile, moduleFile) {
  const main = compile(scriptFile);
  if (!main) return undefined;
  const compiled = [main];
  const dist = resolve(dirname(scriptFile), '..', '..') + sep;
  const modules = new Map();
  const own = (file) => {
    let m = modules.get(file);
    if (m) return m.exports;
    const c = compile(file, nodeModule.wrap);
    if (!c) return createRequire(file)(file);
    compiled.push(c);
    modules.set(file, (m = { exports: {}, id: file, filename: file, loaded: false }));
    c.script.runInThisContext().call(m.exports, m.exports, createRequire(file), m, file, dirname(file));
    m.loaded = true;
    return m.exports;
  };
  const requireFor = (url) => {
    const base = createRequire(url);
    const require = (id) => (typeof id === 'string' && isAbsolute(id) && id.endsWith('.cjs') && id.startsWith(dist) ? own(id) : base(id));
    return Object.assign(require, { resolve: base.resolve, cache: base.cache, extensions: base.extensions, main: base.main });
  };
  const url = pathToFileURL(moduleFile).href;
  const module = { exports: {} };
  // The script's import() of the split bundle's chunks: relative to the module, which is beside them.
  main.script.runInThisContext()(module.exports, createRequire(url), module, url, (specifier) => import(new URL(specifier, url).href), requireFor);
  // The code V8 keeps is of the functions compiled by then: a warm run's leaves out the analysis
  // an edit runs. So the kept code says how many of dist/'s modules the run that kept it loaded
  // (its reach), and a run that loads more keeps its own in its place: after one edit, every run
  // finds the analysis compiled too.
  return {
    exports: module.exports,
    used: main.used,
    keep: () => [main.keep(modules.size), ...compiled.slice(1).map((c) => c.keep())].includes(true),
  };
}
