/**
 * The Pulumi entry (`Pulumi.yaml` runs it): deploys the reference shop through
 * the library's bridge; see `shop/pulumi-program.ts` for the stack config keys.
 */
import { deployShop } from './shop/pulumi-program';

/** The Pulumi resource names of the deployed objects. */
export const resources = deployShop();
