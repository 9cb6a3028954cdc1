pub fn note() -> &'static str { "built" }
