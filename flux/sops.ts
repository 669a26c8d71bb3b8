/**
 * The data key of the age identities in the decryption Secret: kustomize-controller reads only
 * keys ending in `.agekey`; any other key is ignored without an error, and decryption then fails
 * later.
 */
export const AGE_KEY_DATA_KEY = "age.agekey";
