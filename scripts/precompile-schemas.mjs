#!/usr/bin/env node
// Compiles every routed schema to JavaScript once, at build time (see src/adapters/fs/precompiled-schemas.ts): a run then loads them instead of compiling in every thread.
import { writeFileSync } from 'node:fs';
import { loadSchemas } from '../dist/adapters/fs/schemas.js';
import { PRECOMPILED_PATH, precompiledKey } from '../dist/adapters/fs/precompiled-schemas.js';
import { precompiledSource } from '../dist/adapters/fs/precompile-schemas.js';

const { schemas, digest } = loadSchemas();
writeFileSync(PRECOMPILED_PATH, precompiledSource(schemas, precompiledKey(digest)));

// The shapes of GitHub's answers, for the gate and the CAB (src/adapters/github/shapes.ts).
const { PRECOMPILED_SHAPES_PATH } = await import('../dist/adapters/github/shapes.js');
const { precompiledShapesSource } = await import('../dist/adapters/github/precompile-shapes.js');
writeFileSync(PRECOMPILED_SHAPES_PATH, precompiledShapesSource());
