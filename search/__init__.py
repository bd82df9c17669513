"""Search: the Chinese analyzer, the whoosh index and queries with snippets."""
