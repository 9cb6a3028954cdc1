pub fn greeting() -> String {
    format!("hello {}", corral_util::name())
}
