import { list } from '../../core/shape.js';
import type { Context } from './context.js';

/** APIs are folded into the components that provide them: which services provide which API. */
export function collectProviders(ctx: Context): void {
  const { providers, targets } = ctx;
  for (const c of ctx.ofKind('component')) {
    const t = targets.get(c.key);
    list(c.spec.providesApis).forEach((a) => {
      const r = ctx.resolve(a, c, 'api');
      if (!r || !t) return;
      providers.set(r.key, [...(providers.get(r.key) ?? []), t.typed]);
    });
  }
}

/** An API with a provider is merged into it; one without is dropped. */
export function reportApis(ctx: Context): void {
  for (const a of ctx.ofKind('api')) {
    const p = ctx.providers.get(a.key) ?? [];
    if (a.spec.definition !== undefined) a.usage.drop('/spec/definition', 'api.definition', 'API definitions stay with the API (Backstage or the repository); opsledger tracks who depends on whom');
    if (p.length) {
      a.outcome.result = 'merged';
      a.outcome.to.push(...p);
      a.usage.finish(a.value, 'api.folded', 'an API is folded into the services that provide it; its consumers depend on those services');
    } else {
      a.outcome.result = 'dropped';
      a.outcome.code = 'entity.no-provider';
      a.outcome.reason = 'no component in the input provides this API, so there is no service to fold it into';
      a.usage.finish(a.value, 'entity.no-provider', a.outcome.reason);
    }
  }
}
