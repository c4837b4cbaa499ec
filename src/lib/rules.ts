// Small validation rules shared by several modules' inputs.

/** A colour as #RRGGBB. */
export const COLOR = /^#[0-9A-Fa-f]{6}$/;
export const COLOR_RULE = "must be a colour #RRGGBB";
