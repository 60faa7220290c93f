/** The Paragon section of the web app; the connections page mounts `ParagonSection`. */
export { ParagonSection } from "./ParagonSection";
export { useParagonConnect } from "./useParagonConnect";
