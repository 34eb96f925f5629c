// The one timestamp format of every frame.
import { z } from 'zod';

/** ISO-8601 UTC with milliseconds, e.g. `2026-02-03T14:30:45.123Z`. */
export const Timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
