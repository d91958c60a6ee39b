"""ESPN game states from the public (unofficial, undocumented) site scoreboard API."""

SOURCE = "espn"
