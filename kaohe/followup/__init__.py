"""Using the results: annual close, grade overrides within the quota, reviews and appeals,
bottom-rank follow-up (末尾督考), performance pay entry and export, training plans."""
