fn main() {
    println!("{} {}", corral_greet::greeting(), env!("CORRAL_BUILD_NOTE"));
}
