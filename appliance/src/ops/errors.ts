/** Named errors of the op log. */
export class InvalidOperationError extends Error {
  override readonly name = 'InvalidOperationError';
}
