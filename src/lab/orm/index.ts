// The lab's ORM (contract.ts LabOrm): the models, Odoo's call_kw dispatch onto model-specific or
// generic methods, and bootstrap. The server calls callKw inside its REPEATABLE READ transaction.
import type { LabEnv, LabOrm, OdooSerie } from '../contract.js';
import { AccessError, ApplicationError, UserError } from '../exceptions.js';
import { baseMethods } from './base-methods.js';
import { bootstrapDatabase } from './bootstrap.js';
import { bindArguments } from './call.js';
import type { MethodDef } from './model.js';
import { ACCOUNT_MODELS } from './models/account.js';
import { BASE_MODELS } from './models/base.js';
import { PRODUCT_MODELS } from './models/product.js';
import { SALE_MODELS } from './models/sale.js';
import { SETTINGS_MODELS } from './models/settings.js';
import { STOCK_MODELS } from './models/stock.js';
import { Registry } from './registry.js';
import { OrmRuntime } from './runtime.js';

export const registry = new Registry([
  ...BASE_MODELS,
  ...PRODUCT_MODELS,
  ...STOCK_MODELS,
  ...SALE_MODELS,
  ...ACCOUNT_MODELS,
  ...SETTINGS_MODELS,
]);

/** The method a call resolves to: the model's own, else the generic one of its series. */
function resolveMethod(model: string, method: string, serie: OdooSerie): MethodDef | undefined {
  const own = registry.get(model).methods?.[method];
  if (own) return own;
  return baseMethods(serie)[method]?.(model);
}

export const orm: LabOrm = {
  hasModel: (model) => registry.has(model),

  hasMethod: (model, method) =>
    registry.has(model) && resolveMethod(model, method, '17.0') !== undefined,

  methodApi: (model, method) =>
    registry.has(model) ? resolveMethod(model, method, '17.0')?.api : undefined,

  async callKw(env: LabEnv, model, method, args, kwargs) {
    if (!registry.has(model)) throw new UserError(`Object ${model} doesn't exist`);
    if (method.startsWith('_'))
      throw new AccessError(
        `Private methods (such as '${model}.${method}') cannot be called remotely.`,
      );
    const def = resolveMethod(model, method, env.serie);
    if (!def)
      throw new ApplicationError(
        'AttributeError',
        `The method '${model}.${method}' does not exist`,
      );
    if (!Array.isArray(args)) throw new ApplicationError('TypeError', 'args must be a list');
    const bound = bindArguments(method, def, args, kwargs ?? {});
    const rt = new OrmRuntime(env, registry);
    return def.run(rt, bound.ids, bound.args);
  },

  sqlConstraintMessage: (constraint) => registry.sqlConstraintMessage(constraint),

  bootstrap: (client, options) => bootstrapDatabase(client, registry, options),
};
