import { isObject, prop, PropSchema } from '../../core/prop-schema';
import type { EnvironmentSpecificValues, PromotionProps } from './promotion';
import type { PromotedRevision, PromotionLock } from './promotion-lock';

// The run-time schemas of Promotion's props and of the lock file it reads
// (see core/prop-schema): types and shapes only; digests and the lock's
// environment are the construct's own checks.

const environmentSpecificSchema = prop.object<EnvironmentSpecificValues>({
  configKeys: prop.stringList("['LOG_LEVEL', 'PUBLIC_URL']").optional(),
  env: prop.stringList("['LOG_LEVEL']").optional(),
  secrets: prop.stringList("['credentials']").optional(),
  resources: prop.boolean().optional(),
}, 'an object of environment-specific values', "{ configKeys: ['LOG_LEVEL'], resources: true }");

export const promotionPropsSchema = prop.object<PromotionProps>({
  environment: prop.string("'prod'"),
  file: prop.string("join(__dirname, 'promotion.prod.json')").optional(),
  lock: prop.instance<PromotionLock>('a PromotionLock', isObject, 'promoteSynthesis(manifests, { to: \'prod\' })').optional(),
  environmentSpecific: environmentSpecificSchema.optional(),
}, 'an object of Promotion props', "{ environment: 'prod', file: join(__dirname, 'promotion.prod.json') }");

const podTemplateSchema: PropSchema<Readonly<Record<string, unknown>>> = prop.instance('a pod template object', isObject, '{ metadata: {…}, spec: {…} }');

const promotedRevisionSchema = prop.object<PromotedRevision>({
  revision: prop.string("'a7a34968d7'"),
  images: prop.stringMap("{ cart: 'ghcr.io/acme/cart@sha256:…' }"),
  configs: prop.map(prop.stringMap("{ LOG_LEVEL: 'info' }"), 'an object of ConfigMap data by readable name', "{ 'cart-settings': { LOG_LEVEL: 'info' } }"),
  podTemplate: podTemplateSchema,
}, 'a promoted revision', '{ revision, images, configs, podTemplate }');

export const promotionLockSchema = prop.object<PromotionLock>({
  kind: prop.oneOf(['PromotionLock']),
  version: prop.instance<1>('1', (v) => v === 1, '1'),
  from: prop.string("'shop-staging'"),
  to: prop.string("'prod'"),
  services: prop.map(promotedRevisionSchema, 'an object of promoted revisions by service name', '{ cart: { revision, images, configs, podTemplate } }'),
}, 'a promotion lock as immutable-infra promote writes it', '{ kind: \'PromotionLock\', version: 1, from, to, services }');
