"""People in an exercise: subjects who move, cross borders and get checked."""
