"""What the text and metadata of an interaction say is wrong with it, as SQL over the store.

One column per signal, computed by DuckDB for every interaction (vectorized; a million rows in
seconds). The end model reads them as features (critic.combine.endmodel) and triage groups
likely-bad interactions by them (critic.triage.signature), so both see the same evidence:

- failed: the call failed (finish_reason = 'error'): the user got an error, not a reply
- truncated: finish_reason = 'length' (the model hit its token limit), or an empty output (not for a
  failed call, nor for a call logged without its content)
- refusal: refusal wording ("I'm sorry, but I can't…", "I'm unable to assist…")
- wrong_language: the output's function words are mostly not English while the input's are
- invented_numbers: numbers in a grounded output that appear nowhere in the input, context or reference
- mid_sentence: a longer output that stops without closing punctuation
- manipulation: the output tries to steer the judge (critic.store.manipulation): a gate in SQL,
  then the detector itself, registered on every connection as critic_manipulation(text)
"""

from __future__ import annotations

from critic.store.manipulation import GATE

REFUSAL = (r"(?i)(i'?m sorry,? but i (can'?t|cannot)|i (can'?t|cannot|won'?t be able to) (help|assist|provide|do that)|"
           r"i('?m| am) (unable|not able) to (help|assist|provide)|unfortunately,? i (can'?t|cannot|am unable)|"
           r"as an ai\b|i must decline|not something i can help)")
ENGLISH = r"\b(the|and|is|are|you|your|to|of|it|for|with|this|that|can|will|have|not|be|on|in)\b"
FOREIGN = (r"(^|[^\w])(el|la|los|las|es|que|por|para|una|con|está|según|si|usted|su|muy|und|der|die|das|ist|ich|"
           r"nicht|sie|mit|ein|eine|für|auch|sehr|les|des|est|vous|votre|pour|une|avec|dans|nous|très|il|della|"
           r"sono|per|non|gli|não|você|uma|seu|sua|é)([^\w]|$)")
NUMBER = r"\d+(?:[.,]\d+)*"
# Numbers are checked only where the output should be grounded in material: a context or a
# reference, or an input long enough to be a document. A chat reply may state true figures
# ("within 30 days") that no question contains.
GROUNDED_INPUT = 400

SIGNALS = ("failed", "truncated", "refusal", "wrong_language", "invented_numbers", "mid_sentence", "manipulation")


def _q(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


def signals_sql(ids_table: str = "label_ids") -> str:
    """SELECT id, one 0/1 (invented_numbers: a count) column per SIGNALS, for the ids in IDS_TABLE.

    Every column is 0 or more, never NULL, whatever optional field is missing: the end model reads them.
    """
    material = "lower(coalesce(i.input, '') || ' ' || coalesce(i.context, '') || ' ' || coalesce(i.reference, ''))"
    failed = "coalesce(i.finish_reason = 'error', false)"
    return f"""
        SELECT id, {", ".join(f"coalesce({name}, 0) AS {name}" for name in SIGNALS)} FROM (
        SELECT i.id,
            {failed}::INTEGER AS failed,
            (coalesce(i.finish_reason = 'length', false)
             OR (i.has_content AND NOT {failed} AND trim(i.output) = ''))::INTEGER AS truncated,
            regexp_matches(i.output, {_q(REFUSAL)})::INTEGER AS refusal,
            (len(regexp_extract_all(lower(i.output), {_q(FOREIGN)})) >= 2
             AND 2 * len(regexp_extract_all(lower(i.output), {_q(FOREIGN)})) >=
                 len(regexp_extract_all(lower(i.output), {_q(ENGLISH)}))
             AND len(regexp_extract_all(lower(coalesce(i.input, '')), {_q(ENGLISH)})) >=
                 len(regexp_extract_all(lower(coalesce(i.input, '')), {_q(FOREIGN)})))::INTEGER AS wrong_language,
            CASE WHEN i.context IS NOT NULL OR i.reference IS NOT NULL OR length(i.input) > {GROUNDED_INPUT}
                 THEN len(list_filter(list_distinct(regexp_extract_all(i.output, {_q(NUMBER)})),
                                      lambda x: length(x) > 1 AND NOT contains({material}, x)))
                 ELSE 0 END AS invented_numbers,
            (length(i.output) > 120 AND NOT regexp_matches(rtrim(i.output), '[.!?…:;)"\\]*`>]$'))::INTEGER AS mid_sentence,
            (CASE WHEN NOT regexp_matches(i.output, '^[\\x00-\\x7F]*$') OR regexp_matches(i.output, {_q(GATE)}, 'i')
                       OR regexp_matches(translate(i.output, '013457@$', 'oieastas'), {_q(GATE)}, 'i')
                  THEN critic_manipulation(i.output) ELSE false END)::INTEGER AS manipulation
        FROM interactions i JOIN {ids_table} USING (id))
    """
