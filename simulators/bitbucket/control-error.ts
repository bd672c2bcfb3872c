/** A control call with bad input or naming an unknown object; `/_sim/` answers it with 400. */
export { ControlError } from "../shared/control-handler.js";
