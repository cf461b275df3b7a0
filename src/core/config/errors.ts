// The error a wrong config file, field or value raises: it names the field and says what to do.
import { UserFacingError } from '../errors';

export class ConfigError extends UserFacingError {
  constructor(message: string, hint?: string) {
    super(message, hint, 'config');
  }
}
