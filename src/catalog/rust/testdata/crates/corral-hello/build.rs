fn main() {
    println!("cargo:rustc-env=CORRAL_BUILD_NOTE={}", corral_buildhelp::note());
}
