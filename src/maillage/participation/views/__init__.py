"""Pages of participation: `core` (signalements, moderation, processes, proposals,
consultations) and `decisions` (priority votes, actions, committees, following)."""
