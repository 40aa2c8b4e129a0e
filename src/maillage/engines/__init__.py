"""Pure computational engines. Nothing here imports Django: numpy in, numpy out."""
