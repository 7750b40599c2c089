/**
 * zod's own messages (a string too short, a wrong type…) in French, for every schema of
 * the box: users read them in the API's errors and in the provisioning report. Messages a
 * schema gives itself are kept. Imported for its effect by the modules that validate.
 */
import { z } from 'zod';
import { fr } from 'zod/locales';

z.config(fr());
