module example.com/corral/app

go 1.19

require (
	example.com/corral/greet v1.2.3
	example.com/corral/oldlib v1.0.0
)

replace example.com/corral/greet => ../greet

replace example.com/corral/oldlib v1.0.0 => example.com/corral/newlib v1.1.0
