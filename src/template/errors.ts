/**
 * Template errors. Messages follow Go's text/template wording (`template: :1: function "env" not
 * defined`, `template: :1:7: executing "" at <.x>: map has no entry for key "x"`) so that what NFD
 * users see in their logs is what imgcompat prints. NFD wraps them further ("invalid template: ..."),
 * which is the rule engine's job, not ours.
 */
export class TemplateError extends Error {
  readonly code: string;
  /** 'parse' for errors NFD reports from NewHelper, 'exec' for Execute/ExpandMap errors. */
  readonly phase: 'parse' | 'exec';
  constructor(message: string, phase: 'parse' | 'exec' = 'parse', code = 'E_TEMPLATE') {
    super(message);
    this.name = new.target.name;
    this.phase = phase;
    this.code = code;
  }
}

/** NFD's ErrTemplateTooLarge: the template text is over 65536 bytes (checked before parsing). */
export class TemplateTooLargeError extends TemplateError {
  readonly size: number;
  constructor(size: number, limit: number) {
    super(`template too large: ${size} bytes (the limit is ${limit} bytes)`, 'parse', 'E_TEMPLATE_TOO_LARGE');
    this.size = size;
  }
}
