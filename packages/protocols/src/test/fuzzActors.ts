/** The two users of the fuzz property: the attacker and the bystander it must not reach. */

/** The attacker's user; it may join threads named `<ATTACKER>:...` and direct-message itself. */
export const ATTACKER = 'mallory';
/** The bystander's user. */
export const BYSTANDER = 'bob';
/** The bystander's thread. */
export const BYSTANDER_THREAD = 'bob:room';
