"""Football actions from the pipeline you already run (Turbo Vision's private track).

- `sightings`: every person box with its shirt colour, and the ball, kept for each processed frame.
- `teams`: two teams from shirt colours (k-means), and which way each attacks.
- `pitch`: those sightings in metres on the pitch, through the registered homography.
- `possession`: who has the ball, as spells of one player.
- `rules`: passes, receptions, interceptions, recoveries, clearances, shots, saves, goals, balls out of play.
- `spotter`: the `ActionSpotter` seam, the evidence both spotters read, the rule spotter, the answer's items.
- `learned`: a small logistic model per action over the rules' candidates (ACTION_SPOTTER=learned).
- `choice`: which spotter ACTION_SPOTTER names.
"""
