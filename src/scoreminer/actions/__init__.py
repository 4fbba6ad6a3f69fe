"""Football actions from outside the pipeline: the field's event data mapped to Turbo Vision's 15 actions.

events   a provider's events (read with kloppy, the `scoreminer[events]` extra) → true actions, a window of
         them written as a truth file at 25 fps
"""
