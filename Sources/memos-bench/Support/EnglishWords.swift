/// The common English words of the synthetic corpus, most frequent first.
///
/// Real memories are mostly ordinary words with a sprinkling of names and rare terms. Function
/// words come first because they top every frequency list; the search tokenizer drops most of
/// them as stop words, which is part of the work it does and so belongs in the benchmark.
enum EnglishWords {
    /// Articles, pronouns, prepositions, auxiliaries: frequent, and useless as query terms.
    static let function: [String] = [
        "the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on",
        "are", "with", "as", "i", "his", "they", "be", "at", "one", "have", "this", "from", "or",
        "had", "by", "but", "some", "what", "there", "we", "can", "out", "other", "were", "all",
        "your", "when", "up", "use", "how", "said", "an", "each", "she", "which", "do", "their",
        "if", "will", "about", "many", "then", "them", "would", "so", "these", "her", "him",
        "has", "more", "could", "been", "who", "its", "now", "my", "than", "did", "down", "only",
        "our", "me", "very", "after", "most", "also", "just", "where", "much", "before", "too",
        "any", "same", "while", "both", "off", "again", "should", "never", "because", "under",
        "always", "together", "often", "until", "might",
    ]

    /// Everyday content words: frequent enough to have long posting lists, meaningful enough
    /// to appear in queries.
    static let content: [String] = [
        "time", "people", "year", "way", "day", "thing", "man", "world", "life", "hand", "part",
        "child", "eye", "woman", "place", "work", "week", "case", "point", "company", "number",
        "group", "problem", "fact", "home", "water", "room", "mother", "area", "money", "story",
        "month", "lot", "book", "job", "word", "business", "issue", "side", "kind", "head",
        "house", "service", "friend", "father", "power", "hour", "game", "line", "end", "member",
        "law", "car", "city", "community", "name", "president", "team", "minute", "idea", "kid",
        "body", "information", "back", "parent", "face", "others", "level", "office", "door",
        "health", "person", "art", "war", "history", "party", "result", "change", "morning",
        "reason", "research", "girl", "guy", "moment", "air", "teacher", "force", "education",
        "foot", "boy", "age", "policy", "music", "market", "sense", "nation", "plan", "college",
        "interest", "death", "experience", "effect", "class", "control", "care", "field",
        "development", "role", "effort", "rate", "heart", "drug", "show", "leader", "light",
        "voice", "wife", "police", "mind", "price", "report", "decision", "son", "view",
        "relationship", "town", "road", "arm", "difference", "value", "building", "action",
        "model", "season", "society", "tax", "director", "position", "player", "record", "paper",
        "space", "ground", "form", "event", "official", "matter", "center", "couple", "site",
        "project", "activity", "star", "table", "need", "court", "oil", "situation", "cost",
        "industry", "figure", "street", "image", "phone", "data", "picture", "practice", "piece",
        "land", "product", "doctor", "wall", "patient", "worker", "news", "test", "movie",
        "north", "love", "support", "technology", "step", "baby", "computer", "type", "attention",
        "film", "tree", "source", "organization", "hair", "window", "evidence", "population",
        "site", "training", "garden", "dinner", "trip", "vacation", "dog", "cat", "birthday",
        "meeting", "deadline", "recipe", "concert", "painting", "hiking", "camping", "beach",
        "school", "kids", "sister", "brother", "husband", "neighbor", "coffee", "breakfast",
        "weekend", "holiday", "flight", "hotel", "museum", "library", "hospital", "gym", "yoga",
        "running", "swimming", "guitar", "piano", "novel", "poem", "photo", "camera", "bike",
        "budget", "salary", "interview", "promotion", "conference", "workshop", "class",
        "exam", "degree", "career", "startup", "adoption", "pottery", "support", "counseling",
    ]
}
