"""Hidden check variants and their reference outputs: instructor copy only.

Never shipped in the student release (the release's leak check fails if any
of this folder, its ids or its values appear there)."""
