pub fn name() -> &'static str { "corral" }
