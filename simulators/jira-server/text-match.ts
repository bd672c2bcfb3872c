/** Words Jira's English analyzer drops from both the index and the query. */
const STOP_WORDS = new Set(["a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with"]);

function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** A light English stemmer, enough that "crash" finds "crashes" and "crashing" as Jira's analyzer does. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && /(?:ss|x|ch|sh|z)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  return word;
}

/**
 * Jira's `~` (CONTAINS): every term must occur as a word (stemmed) in one of the texts; `term*` matches
 * words starting with term; a query in double quotes is a phrase whose words must be adjacent.
 */
export function matchesText(texts: string[], query: string): boolean {
  const trimmed = query.trim();
  if (trimmed.length > 1 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    const phrase = words(trimmed.slice(1, -1)).map(stem);
    if (phrase.length === 0) return false;
    return texts.some((t) => {
      const stems = words(t).map(stem);
      for (let i = 0; i + phrase.length <= stems.length; i++) if (phrase.every((p, j) => stems[i + j] === p)) return true;
      return false;
    });
  }
  const terms = trimmed
    .toLowerCase()
    .split(/\s+/)
    .map((term) => ({ prefix: term.endsWith("*"), words: words(term) }))
    .filter((t) => t.words.length > 0 && !(t.words.length === 1 && STOP_WORDS.has(t.words[0] as string)));
  if (terms.length === 0) return false;
  const all = texts.flatMap(words);
  const stems = new Set(all.map(stem));
  return terms.every((term) =>
    term.prefix ? all.some((w) => w.startsWith(term.words.join(""))) : term.words.every((w) => stems.has(stem(w))),
  );
}
