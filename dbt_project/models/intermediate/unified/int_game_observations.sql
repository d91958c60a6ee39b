-- Every source's game observations, in one shape. Sources add their model to this list.
{{ union_inputs(['int_game_observations__espn']) }}
