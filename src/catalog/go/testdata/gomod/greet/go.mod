module example.com/corral/greet

go 1.19
