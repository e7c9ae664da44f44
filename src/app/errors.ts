/**
 * Input the use case cannot work with (an unknown change id, a flag's value out of range, a
 * target that would overwrite the organisation): the fronts report it as a usage error, exit 2.
 */
export class InputError extends Error {
  override name = 'InputError';
}

