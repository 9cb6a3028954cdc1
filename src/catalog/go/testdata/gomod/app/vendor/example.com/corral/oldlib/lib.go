package oldlib

func Answer() int { return 42 }
