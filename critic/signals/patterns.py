# SPDX-License-Identifier: Apache-2.0
"""The patterns the text signals match (RE2 in DuckDB, re in Python: both read them the same way)."""

from __future__ import annotations

REFUSAL = (
    r"(?i)(i'?m sorry,? but i (can'?t|cannot)|i (can'?t|cannot|won'?t be able to) (help|assist|provide|do that)|"
    r"i('?m| am) (unable|not able) to (help|assist|provide)|unfortunately,? i (can'?t|cannot|am unable)|"
    r"as an ai\b|i must decline|not something i can help)"
)
ENGLISH = r"\b(the|and|is|are|you|your|to|of|it|for|with|this|that|can|will|have|not|be|on|in)\b"
FOREIGN = (
    r"(^|[^\w])(el|la|los|las|es|que|por|para|una|con|está|según|si|usted|su|muy|und|der|die|das|ist|ich|"
    r"nicht|sie|mit|ein|eine|für|auch|sehr|les|des|est|vous|votre|pour|une|avec|dans|nous|très|il|della|"
    r"sono|per|non|gli|não|você|uma|seu|sua|é)([^\w]|$)"
)
NUMBER = r"\d+(?:[.,]\d+)*"
# Numbers are checked only where the output should be grounded in material: a context or a
# reference, or an input long enough to be a document. A chat reply may state true figures
# ("within 30 days") that no question contains.
GROUNDED_INPUT = 400
