"""Program 2's activities (``round.RoundActivities``)."""
