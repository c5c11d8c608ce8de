"""The cycle's pages: the months of a year, a month (steps, deadlines, submissions, objections,
adjustments), an adjustment, the notifications."""
