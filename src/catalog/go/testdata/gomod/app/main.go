package main

import (
	"fmt"

	"example.com/corral/greet"
	"example.com/corral/oldlib"
)

func main() { fmt.Println(greet.Hello(), oldlib.Answer()) }
