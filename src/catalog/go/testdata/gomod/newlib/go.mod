module example.com/corral/newlib

go 1.19
